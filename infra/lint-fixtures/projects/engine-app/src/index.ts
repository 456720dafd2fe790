export const engineApp = 'engine-app';
