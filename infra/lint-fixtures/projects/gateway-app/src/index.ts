export const gatewayApp = 'gateway-app';
