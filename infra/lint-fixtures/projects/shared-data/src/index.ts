export const sharedData = 'shared-data';
