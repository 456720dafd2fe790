export * from './ingress-message';
export * from './ingress-signature';
