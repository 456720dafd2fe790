import { sharedUtil } from '@keel/fixture-shared-util';
export const allowed = sharedUtil;
