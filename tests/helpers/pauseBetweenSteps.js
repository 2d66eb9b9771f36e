/**
 * Test only, never part of the server: holds a two-step write between its steps, so a crash test can
 * kill the server there (the window is otherwise a few milliseconds). Preloaded like writeThenWait.js,
 * it wraps the second step of `/down` (`removeClusterJobs`) for clusters named `crash-pause-*` and of
 * `/users/create` (`setUserRole`) for the user `crash-pause-user`: the first time in a HOME, it
 * leaves a marker file `$HOME/paused-<what>` (the test waits for it) and waits 60 s before going on;
 * after a restart in the same HOME (the marker is there) it goes straight on, so a retry completes.
 */
const fs = require('node:fs');
const path = require('node:path');
const { globalUserState } = require('../../dist/src/state/globalUserState');
const { userHashForName } = require('../../dist/src/state/currentUser');

const PAUSED_USER = userHashForName('crash-pause-user');

async function pauseOnce(what) {
  const marker = path.join(process.env.HOME, `paused-${what}`);
  if (fs.existsSync(marker)) return;
  fs.writeFileSync(marker, String(process.pid));
  await new Promise((resolve) => setTimeout(resolve, 60_000));
}

const removeClusterJobs = globalUserState.removeClusterJobs;
globalUserState.removeClusterJobs = async (name, ...rest) => {
  if (name.startsWith('crash-pause-')) await pauseOnce(name);
  return removeClusterJobs(name, ...rest);
};

const setUserRole = globalUserState.setUserRole;
globalUserState.setUserRole = async (userId, ...rest) => {
  if (userId === PAUSED_USER) await pauseOnce('crash-pause-user');
  return setUserRole(userId, ...rest);
};
