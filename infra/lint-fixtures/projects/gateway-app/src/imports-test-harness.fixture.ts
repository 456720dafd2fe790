import { startAnvil } from '@keel/testing';
export const forbidden = startAnvil;
