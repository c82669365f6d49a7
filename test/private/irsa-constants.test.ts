import { serviceAccountSubject } from '../../src/private/irsa-constants';

describe('serviceAccountSubject', () => {
  test('is the sub claim of a ServiceAccount token, or with no name the pattern of its namespace', () => {
    expect(serviceAccountSubject('testing', 'app')).toBe('system:serviceaccount:testing:app');
    expect(serviceAccountSubject('jobs', undefined)).toBe('system:serviceaccount:jobs:*');
  });
});
