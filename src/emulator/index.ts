// The YARN ResourceManager emulator: for tests and local runs without Java. Never imported by
// production code (src/yarn talks to it over HTTP like to a real RM).

export { startRmEmulator } from './rm-emulator.ts';
export type { EmulatedAppView, RmEmulator } from './rm-emulator.ts';
export type { HaState, RmEmulatorOptions } from './options.ts';
export type { InjectedFailure } from './http-faults.ts';
