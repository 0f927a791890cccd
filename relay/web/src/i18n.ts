import { accountEn, accountZh } from './i18n-account.js';
import { devicesEn, devicesZh } from './i18n-devices.js';
import { groupEn, groupZh } from './i18n-groups.js';
import { enMessages, zhMessages } from './i18n-messages.js';

/** Chinese by default, English as a choice stored on this device. */
export type Lang = 'zh' | 'en';

const zh = {
  signIn: '登录', server: '服务器地址', account: '账号', password: '密码', signingIn: '正在登录…', signOut: '退出登录',
  badCredentials: '账号或密码错误', cannotReach: '无法连接服务器', chats: '消息', directory: '通讯录', search: '搜索',
  searchChats: '搜索会话和消息', messagesFound: '聊天记录', searching: '正在搜索…', noMessagesFound: '没有找到聊天记录', searchPeople: '搜索姓名、账号或拼音', noChats: '还没有会话。到通讯录里找人聊天吧。',
  newGroup: '发起群聊', groupName: '群名称', create: '创建', cancel: '取消', selected: '已选 {0} 人', selectPeople: '选择成员',
  send: '发送', messagePlaceholder: '输入消息，Enter 发送，Shift+Enter 换行', sending: '发送中', failed: '发送失败',
  unread: '未读', read: '已读', nUnread: '{0} 人未读', allRead: '全部已读', readBy: '已读', notReadBy: '未读',
  reconnecting: '连接已断开，正在重新连接…', connecting: '正在连接…', centralDown: '总部暂时无法连接，消息会在恢复后发出',
  offline: '离线', online: '在线', away: '离开', loadingOlder: '正在加载更早的消息…', beginning: '没有更早的消息了',
  today: '今天', yesterday: '昨天', groupInfo: '群信息', chatInfo: '聊天信息', members: '成员（{0}）', addMembers: '添加成员',
  remove: '移出', rename: '修改群名', save: '保存', leave: '退出群聊', leaveConfirm: '确定退出这个群聊？', mute: '消息免打扰',
  owner: '群主', admin: '管理员', notice: '群公告', back: '返回', info: '详情', sendMessage: '发消息', department: '部门',
  departments: '组织架构', allPeople: '全部人员', email: '邮箱', phone: '电话', title: '职务', noResults: '没有找到匹配的人',
  language: 'English', theme: '切换深色/浅色', you: '我', file: '文件', download: '下载', pending: '{0} 条消息等待发送',
  sysCreated: '{0} 创建了群聊', sysAdded: '{0} 邀请 {1} 加入了群聊', sysRemoved: '{0} 将 {1} 移出了群聊', sysLeft: '{0} 退出了群聊',
  sysRenamed: '{0} 将群名改为“{1}”', sysRole: '{0} 修改了 {1} 的角色', sysOwner: '{0} 将群主转让给 {1}', sysNotice: '{0} 更新了群公告',
  muted: '已免打扰', skip: '跳到主要内容', selectChat: '选择一个会话开始聊天', me: '我的账号', close: '关闭', people: '人员',
  mentionAll: '所有人', atMe: '[有人@我]', jumpToMention: '有人@我', mentionPicker: '选择要提醒的人', emoji: '表情', more: '更多',
  systemConv: '系统消息', systemReadOnly: '系统消息不可回复', broadcast: '广播', sendBroadcast: '发送广播', broadcastTitle: '标题', broadcastText: '内容',
  broadcastTo: '发送给', everyone: '全体人员', deptIds: '部门编号（逗号分隔）', broadcastSent: '已发送：{0}/{1} 人收到',
  newMessages: '有新消息', confidential: '保密', englishName: '英文名', attach: '发送文件', uploading: '上传中', mobile: '手机', employeeNo: '工号',
  ...groupZh,
  ...accountZh,
  ...devicesZh,
  favourites: '收藏', star: '收藏', unstar: '取消收藏', searchFavourites: '搜索收藏', noFavourites: '还没有收藏。把鼠标移到消息上，点 ☆ 收藏。',
  noFavouriteMatches: '没有匹配的收藏', loadMore: '加载更多', openChat: '打开会话',
  notifySettings: '通知设置', quietHours: '免打扰时段', quietOn: '开启免打扰时段', quietDays: '重复', quietFrom: '开始', quietTo: '结束',
  timeZone: '时区', useLocalZone: '使用本机时区（{0}）', overnightHint: '结束时间早于开始时间时，跨越午夜到第二天。',
  breakThrough: '免打扰时仍然提醒', allowMentions: '有人 @我', allowUrgent: '紧急消息', soundHeading: '声音', soundOn: '新消息提示音', saved: '已保存',
  day0: '周日', day1: '周一', day2: '周二', day3: '周三', day4: '周四', day5: '周五', day6: '周六',
  notifyTitle: '开启桌面通知？', notifyExplain: '在你切换到别的窗口或会话时，新消息会以桌面通知提醒你。浏览器会询问一次是否允许。',
  notifyEnable: '开启通知', notifyLater: '以后再说', notifyGranted: '桌面通知已开启。', notifyDenied: '浏览器已阻止本站的通知，可在浏览器的网站设置里重新允许。',
  notifyUnsupported: '这个浏览器不支持桌面通知。',
  ...zhMessages,
  image: '图片', openImage: '查看大图', dropFiles: '松开即可发送', fileTooBig: '“{0}”未发送：管理员规定文件不能超过 {1}',
  fileTypeBlocked: '“{0}”未发送：管理员不允许发送这类文件（{1}）', uploadFailed: '“{0}”上传失败',
  adminConsole: '管理后台', adminOnly: '管理后台只对管理员开放。你的账号没有管理权限。', consoleLoadFailed: '管理后台没有加载成功，请检查网络后重试。',
};
type Key = keyof typeof zh;

const en: Record<Key, string> = {
  signIn: 'Sign in', server: 'Server address', account: 'Account', password: 'Password', signingIn: 'Signing in…', signOut: 'Sign out',
  badCredentials: 'Wrong account or password', cannotReach: 'Cannot reach the server', chats: 'Chats', directory: 'Directory', search: 'Search',
  searchChats: 'Search chats and messages', messagesFound: 'Messages', searching: 'Searching…', noMessagesFound: 'No messages found', searchPeople: 'Search by name, account or pinyin', noChats: 'No chats yet. Find someone in the directory.',
  newGroup: 'New group', groupName: 'Group name', create: 'Create', cancel: 'Cancel', selected: '{0} selected', selectPeople: 'Choose members',
  send: 'Send', messagePlaceholder: 'Message — Enter to send, Shift+Enter for a new line', sending: 'Sending', failed: 'Not sent',
  unread: 'Unread', read: 'Read', nUnread: '{0} unread', allRead: 'All read', readBy: 'Read', notReadBy: 'Unread',
  reconnecting: 'Connection lost — reconnecting…', connecting: 'Connecting…', centralDown: 'Head office unreachable; messages will go out when it is back',
  offline: 'Offline', online: 'Online', away: 'Away', loadingOlder: 'Loading earlier messages…', beginning: 'No earlier messages',
  today: 'Today', yesterday: 'Yesterday', groupInfo: 'Group info', chatInfo: 'Chat info', members: 'Members ({0})', addMembers: 'Add members',
  remove: 'Remove', rename: 'Rename group', save: 'Save', leave: 'Leave group', leaveConfirm: 'Leave this group?', mute: 'Mute notifications',
  owner: 'Owner', admin: 'Admin', notice: 'Notice', back: 'Back', info: 'Details', sendMessage: 'Send message', department: 'Department',
  departments: 'Organisation', allPeople: 'Everyone', email: 'Email', phone: 'Phone', title: 'Title', noResults: 'Nobody matches',
  language: '中文', theme: 'Toggle dark/light', you: 'Me', file: 'File', download: 'Download', pending: '{0} waiting to send',
  sysCreated: '{0} created the group', sysAdded: '{0} added {1}', sysRemoved: '{0} removed {1}', sysLeft: '{0} left the group',
  sysRenamed: '{0} renamed the group to “{1}”', sysRole: '{0} changed the role of {1}', sysOwner: '{0} made {1} the owner', sysNotice: '{0} updated the notice',
  muted: 'Muted', skip: 'Skip to main content', selectChat: 'Choose a chat to start', me: 'My account', close: 'Close', people: 'People',
  mentionAll: 'Everyone', atMe: '[Mentioned]', jumpToMention: 'You were mentioned', mentionPicker: 'Choose whom to mention', emoji: 'Emoji', more: 'More',
  systemConv: 'System messages', systemReadOnly: 'System messages cannot be replied to', broadcast: 'Broadcast', sendBroadcast: 'Send a broadcast',
  broadcastTitle: 'Title', broadcastText: 'Text', broadcastTo: 'To', everyone: 'Everyone', deptIds: 'Department ids (comma-separated)',
  broadcastSent: 'Sent: {0} of {1} received',
  newMessages: 'New messages', confidential: 'confidential', englishName: 'English name', attach: 'Send a file', uploading: 'Uploading', mobile: 'Mobile', employeeNo: 'Employee no.',
  ...groupEn,
  ...accountEn,
  ...devicesEn,
  favourites: 'Favourites', star: 'Add to favourites', unstar: 'Remove from favourites', searchFavourites: 'Search favourites',
  noFavourites: 'No favourites yet. Hover over a message and press ☆.', noFavouriteMatches: 'No favourites match', loadMore: 'Load more',
  openChat: 'Open chat',
  notifySettings: 'Notifications', quietHours: 'Quiet hours', quietOn: 'Turn on quiet hours', quietDays: 'Repeat', quietFrom: 'From', quietTo: 'To',
  timeZone: 'Time zone', useLocalZone: 'Use this device\'s zone ({0})', overnightHint: 'An end before the start runs past midnight into the next day.',
  breakThrough: 'Still notify during quiet hours for', allowMentions: 'Mentions of me (@)', allowUrgent: 'Urgent messages', soundHeading: 'Sound',
  soundOn: 'Play a sound for new messages', saved: 'Saved',
  day0: 'Sun', day1: 'Mon', day2: 'Tue', day3: 'Wed', day4: 'Thu', day5: 'Fri', day6: 'Sat',
  notifyTitle: 'Turn on desktop notifications?', notifyExplain: 'New messages show as desktop notifications while you are in another window or chat. Your browser will ask once.',
  notifyEnable: 'Turn on', notifyLater: 'Not now', notifyGranted: 'Desktop notifications are on.', notifyDenied: 'Your browser blocks notifications from this site; allow them again in its site settings.',
  notifyUnsupported: 'This browser has no desktop notifications.',
  ...enMessages,
  image: 'Image', openImage: 'Open the full image', dropFiles: 'Drop to send', fileTooBig: '“{0}” not sent: an administrator limits files to {1}',
  fileTypeBlocked: '“{0}” not sent: an administrator does not allow this type of file ({1})', uploadFailed: '“{0}” could not be uploaded',
  adminConsole: 'Admin console', adminOnly: 'The admin console is for administrators; your account has no administrator rights.',
  consoleLoadFailed: 'The admin console did not load; check the network and try again.',
};

const DICTS: Record<Lang, Record<Key, string>> = { zh, en };
export type TextKey = Key;

/** The language chosen on this device (`sb.lang`), Chinese when none was. */
export function savedLang(): Lang {
  const saved = localStorage.getItem('sb.lang');
  return saved === 'en' || saved === 'zh' ? saved : 'zh';
}

/** Texts and date formats in one language; the store makes a new one when the language changes. */
export interface I18n {
  readonly lang: Lang;
  /** The value of <html lang>. */
  readonly htmlLang: string;
  /** Between names in a list: "、" in Chinese, ", " in English. */
  readonly sep: string;
  t(key: Key, ...args: (string | number)[]): string;
  fmtTime(ms: number, withDay?: boolean): string;
  fmtDay(ms: number): string;
}

export function makeI18n(lang: Lang): I18n {
  const dict = DICTS[lang];
  const zhDates = lang === 'zh';
  const t = (key: Key, ...args: (string | number)[]): string => dict[key].replace(/\{(\d)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));
  return {
    lang,
    htmlLang: zhDates ? 'zh-CN' : 'en',
    sep: zhDates ? '、' : ', ',
    t,
    fmtTime(ms, withDay = false) {
      const d = new Date(ms);
      const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      if (d.toDateString() === new Date().toDateString()) return hm;
      const md = zhDates ? `${d.getMonth() + 1}月${d.getDate()}日` : d.toLocaleDateString('en', { month: 'short', day: 'numeric' });
      return withDay ? `${md} ${hm}` : md;
    },
    fmtDay(ms) {
      const d = new Date(ms);
      const now = new Date();
      if (d.toDateString() === now.toDateString()) return t('today');
      if (d.toDateString() === new Date(now.getTime() - 86_400_000).toDateString()) return t('yesterday');
      return zhDates ? `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日` : d.toLocaleDateString('en', { year: 'numeric', month: 'long', day: 'numeric' });
    },
  };
}
