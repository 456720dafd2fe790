import { sharedUtil } from '../../shared-util/src/index';
export const forbidden = sharedUtil;
