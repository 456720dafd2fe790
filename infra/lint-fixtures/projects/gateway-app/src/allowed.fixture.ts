import { sharedUtil } from '@keel/fixture-shared-util';
import { sharedData } from '@keel/fixture-shared-data';
export const allowed = [sharedUtil, sharedData];
