export const sharedUtil = 'shared-util';
