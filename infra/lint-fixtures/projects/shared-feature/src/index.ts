export const sharedFeature = 'shared-feature';
