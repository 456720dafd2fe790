// Typed ABIs (and bytecode for deployable contracts) generated from contracts/ by
// `nx run contracts:build`. Depending on @keel/abi makes Nx build the contracts first.
export * from './generated';
