/** Texts of remote wipe (远程数据抹除) and the security PIN (安全密码), merged into i18n.ts. */
export const devicesZh = {
  pinTitle: '安全密码', pinEnter: '请输入安全密码', pinUnlock: '解锁', pinWrong: '安全密码错误，还可尝试 {0} 次',
  pinWarning: '连续输错 {0} 次，本机上的数据将被抹除。', pinSetTitle: '设置安全密码', pinRequired: '公司要求在本机使用安全密码。',
  pinNew: '新安全密码（4–12 位数字）', pinAgain: '再输一次', pinCurrent: '当前安全密码', pinFormat: '安全密码为 4–12 位数字', pinMismatch: '两次输入不一致',
  pinSave: '保存安全密码', pinRemove: '取消安全密码', pinIsSet: '已设置，打开本应用时需要输入。', pinNotSet: '未设置。设置后，打开本应用时需要输入。',
  pinSaved: '安全密码已保存', pinRemoved: '安全密码已取消', pinWrongCurrent: '当前安全密码不正确', pinHint: '设置后，打开本应用时需要输入；连续输错 {0} 次会抹除本机数据。',
  wipeDevice: '抹除', wipeDeviceConfirm: '抹除“{0}”上的数据？它会退出登录，下次联网时删除本地保存的聊天记录、缓存和服务器地址。',
  wipeOrdered: '已向“{0}”发出抹除指令', wipeHistory: '抹除记录', wipePending: '等待设备确认', wipeDone: '已抹除（{0}）',
  wipeByAdmin: '管理员', wipeBySelf: '本人', wipeByPin: '安全密码输错',
  wipedTitle: '本机数据已抹除', wipedText: '按照抹除指令，本机上保存的聊天记录、缓存、登录信息和服务器地址已全部删除。', signInAgain: '重新登录',
};

export const devicesEn: Record<keyof typeof devicesZh, string> = {
  pinTitle: 'Security PIN', pinEnter: 'Enter your security PIN', pinUnlock: 'Unlock', pinWrong: 'Wrong PIN; {0} tries left',
  pinWarning: 'After {0} wrong entries in a row, the data on this device is erased.', pinSetTitle: 'Set a security PIN', pinRequired: 'Your organisation requires a security PIN on this device.',
  pinNew: 'New PIN (4–12 digits)', pinAgain: 'Once more', pinCurrent: 'Current PIN', pinFormat: 'The PIN is 4 to 12 digits', pinMismatch: 'The two entries differ',
  pinSave: 'Save PIN', pinRemove: 'Remove PIN', pinIsSet: 'Set: asked whenever the app opens.', pinNotSet: 'Not set. Once set, it is asked whenever the app opens.',
  pinSaved: 'PIN saved', pinRemoved: 'PIN removed', pinWrongCurrent: 'The current PIN is wrong', pinHint: 'Asked whenever the app opens; {0} wrong entries in a row erase this device.',
  wipeDevice: 'Wipe', wipeDeviceConfirm: 'Wipe “{0}”? It is signed out and, next time it is online, erases the chats, caches and server address it keeps.',
  wipeOrdered: 'Wipe order sent to “{0}”', wipeHistory: 'Wipe orders', wipePending: 'Waiting for the device', wipeDone: 'Wiped ({0})',
  wipeByAdmin: 'administrator', wipeBySelf: 'me', wipeByPin: 'wrong PINs',
  wipedTitle: 'This device was wiped', wipedText: 'As ordered, the chats, caches, sign-in and server address kept on this device have been erased.', signInAgain: 'Sign in again',
};
