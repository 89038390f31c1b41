// The ResourceManager contract against the in-repo emulator.

import { startRmEmulator } from '../../src/emulator/index.ts';
import { processWithMarkerAlive } from '../support/processes.ts';
import { REPO } from '../support/stack.ts';
import { defineContract } from './resource-manager.contract.ts';

defineContract('emulator', async () => {
  const emu = await startRmEmulator();
  return {
    rmUrl: emu.url,
    amJar: `${REPO}/test/support/emulator-appmaster.jar`,
    amClasspath: '.',
    finishWithinMs: 10_000,
    processAlive: (_appId, marker) => processWithMarkerAlive(marker),
    stop: () => emu.close(),
  };
});
