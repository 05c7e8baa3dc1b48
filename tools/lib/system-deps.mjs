import { execFileSync, spawnSync } from 'node:child_process';

export function hasCommand(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure a Debian package's command exists, installing it with apt-get when we can.
 * Throws with `hint` (what to do instead) when it cannot be installed.
 */
export function ensureCommand(command, aptPackage, hint, log = console.log) {
  if (hasCommand(command)) return;
  const isRoot = process.getuid?.() === 0;
  const sudo = !isRoot && hasCommand('sudo') ? ['sudo', '-n'] : [];
  if (!isRoot && sudo.length === 0) {
    throw new Error(
      `${command} is not installed and this user cannot install it. Install the Debian package "${aptPackage}", or ${hint}`,
    );
  }
  if (!hasCommand('apt-get'))
    throw new Error(`${command} is not installed and apt-get is unavailable. ${hint}`);
  log(
    `${command} is missing: installing the Debian package "${aptPackage}" with apt-get (one time)...`,
  );
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, ...args];
    execFileSync(cmd, rest, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  };
  try {
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', aptPackage]);
  } catch (error) {
    throw new Error(`Could not install "${aptPackage}" with apt-get (${error.message}). ${hint}`);
  }
  if (!hasCommand(command))
    throw new Error(`"${aptPackage}" installed but ${command} is still missing. ${hint}`);
  log(`${command} installed.`);
}
