// The `auth.me` / `user_info` entry of the simulated account (a local full-admin user).
export function userInfo(username: string): Record<string, unknown> {
  return {
    pw_name: username,
    pw_gecos: username,
    pw_dir: `/home/${username}`,
    pw_shell: '/usr/bin/zsh',
    pw_uid: 950,
    pw_gid: 950,
    grouplist: [544, 950],
    sid: null,
    source: 'LOCAL',
    local: true,
    attributes: {},
    two_factor_config: { secret_configured: false, window: 0, interval: 30, otp_digits: 6 },
    privilege: { roles: { $set: ['FULL_ADMIN'] }, allowlist: [{ method: '*', resource: '*' }], web_shell: true },
    account_attributes: ['LOCAL'],
    webshare: false,
  };
}
