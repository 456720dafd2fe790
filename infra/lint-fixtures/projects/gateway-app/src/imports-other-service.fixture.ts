import { engineApp } from '@keel/fixture-engine-app';
export const forbidden = engineApp;
