import { sharedFeature } from '@keel/fixture-shared-feature';
export const forbidden = sharedFeature;
