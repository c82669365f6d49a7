export * from './irsa-checks';
export * from './irsa-cluster';
export * from './irsa-role-options';
export * from './irsa-service-account';
export * from './irsa-service-account-role';
