/** The only operators that make a claim equal (or match) given values, and fail when the claim is absent. */
export const PINNING_OPERATORS = ['StringEquals', 'StringLike'];
