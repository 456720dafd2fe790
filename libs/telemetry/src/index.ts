export * from './instrument-repository';
export * from './logger';
export * from './nest-logger';
export * from './redaction';
export * from './telemetry';
export * from './telemetry-config';
