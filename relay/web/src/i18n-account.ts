/** Texts of 账号与安全 (my password and my devices), merged into i18n.ts. */
export const accountZh = {
  accountSecurity: '账号与安全', changePassword: '修改密码', currentPassword: '当前密码', newPassword: '新密码',
  confirmPassword: '确认新密码', passwordMismatch: '两次输入的新密码不一致', passwordTooShort: '新密码至少 8 位',
  passwordChanged: '密码已修改，其他设备已退出登录', wrongCurrentPassword: '当前密码不正确',
  myDevices: '登录设备', myDevicesHint: '这些设备正在使用你的账号。不认识的设备请下线并修改密码。',
  thisDevice: '本机', signOutDevice: '下线', signOutDeviceConfirm: '让“{0}”退出登录？', deviceSignedOut: '“{0}”已下线',
  lastSeen: '最近活动 {0}', signedInAt: '登录于 {0}', fromAddress: '地址 {0}',
  deviceweb: '网页版', devicedesktop: '桌面端', devicemobile: '手机', devicecli: '命令行', devicebot: '机器人',
};

export const accountEn: Record<keyof typeof accountZh, string> = {
  accountSecurity: 'Account and security', changePassword: 'Change password', currentPassword: 'Current password', newPassword: 'New password',
  confirmPassword: 'Confirm the new password', passwordMismatch: 'The two new passwords differ', passwordTooShort: 'The new password needs at least 8 characters',
  passwordChanged: 'Password changed; your other devices are signed out', wrongCurrentPassword: 'The current password is wrong',
  myDevices: 'Signed-in devices', myDevicesHint: 'These devices are using your account. Sign out any you do not know, then change your password.',
  thisDevice: 'This device', signOutDevice: 'Sign out', signOutDeviceConfirm: 'Sign “{0}” out?', deviceSignedOut: '“{0}” is signed out',
  lastSeen: 'Last active {0}', signedInAt: 'Signed in {0}', fromAddress: 'Address {0}',
  deviceweb: 'Web', devicedesktop: 'Desktop', devicemobile: 'Phone', devicecli: 'Command line', devicebot: 'Bot',
};
