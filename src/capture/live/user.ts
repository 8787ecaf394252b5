// Dropping root after the capture is open, as tcpdump -Z does (setgroups, setgid, setuid: in that order, or the drop is not complete).

import { execFileSync } from 'node:child_process';

/** The account to run as: numbers resolved once, through the system's user database. */
export interface RunAs {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * Resolves a user name with `id`, which asks NSS (so LDAP and systemd users resolve as for
 * tcpdump's getpwnam). Node has no getpwnam, and process.setgid(name) would look up a group of
 * that name rather than the user's primary group. Throws an Error with one line to show.
 */
export function resolveUser(name: string): RunAs {
  const id = (flag: string): number => {
    try {
      return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    } catch {
      throw new Error(`--user ${name}: no such user`);
    }
  };
  return { name, uid: id('-u'), gid: id('-g') };
}

/**
 * Becomes `user`: the supplementary groups first (reduced to the user's primary group: a capture
 * needs no other), then the group, then the user, each of which needs root; afterwards nothing can
 * regain root. Throws when the process may not switch (not root) or the system has no such calls.
 */
export function dropPrivileges(user: RunAs): void {
  if (process.setuid === undefined || process.setgid === undefined || process.setgroups === undefined) {
    throw new Error('--user is not supported on this system');
  }
  process.setgroups([user.gid]);
  process.setgid(user.gid);
  process.setuid(user.uid);
}
