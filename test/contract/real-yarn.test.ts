// The ResourceManager contract against a real Hadoop ResourceManager + NodeManager (Maven Central
// jars, see test/support/real-yarn.ts). Needs Java; CI has it, so it runs there every time.

import { javaAvailable, startRealYarn } from '../support/real-yarn.ts';
import { processWithMarkerAlive } from '../support/processes.ts';
import { defineContract } from './resource-manager.contract.ts';

if (!javaAvailable()) throw new Error('the real-YARN contract needs Java 17 (apt-get install -y openjdk-17-jdk-headless) and Maven');

defineContract('real Hadoop YARN', async () => {
  // Anonymous REST off, as production clusters run: a call without user.name is refused.
  const yarn = await startRealYarn({ requireUserName: true });
  return {
    rmUrl: yarn.rmUrl,
    amJar: yarn.distributedShellJar,
    amClasspath: yarn.amClasspath,
    finishWithinMs: 60_000,
    processAlive: (_appId, marker) => processWithMarkerAlive(marker),
    stop: () => yarn.stop(),
  };
});
