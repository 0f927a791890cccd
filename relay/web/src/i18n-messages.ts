/** The texts of message actions (reply, forward, recall, edit, bundles), joined into i18n.ts's dictionaries. */
export const zhMessages = {
  typingNow: '对方正在输入…', typingNamed: '{0} 正在输入…',
  convFiles: '文件', noFiles: '还没有文件', moreFiles: '更早的文件',
  urgent: '紧急', markUrgent: '标为紧急', markUrgentHint: '紧急消息可以突破对方的免打扰时段（每小时最多 10 条）',
  copy: '复制', reply: '回复', forward: '转发', multiSelect: '多选', recall: '撤回', edit: '编辑', edited: '已编辑',
  recalledBy: '{0}撤回了一条消息', youRecalled: '你撤回了一条消息', quoteRecalled: '引用的消息已撤回', replyingTo: '回复 {0}',
  forwardEach: '逐条转发', forwardBundle: '合并转发', forwardTo: '转发给', nSelectedMsgs: '已选 {0} 条', forwarded: '已转发',
  chatRecord: '聊天记录', editMessage: '编辑消息', actionFailed: '操作失败：{0}', windowClosed: '已超过可操作的时间', messageActions: '消息操作',
  cancelReply: '取消回复', openRecord: '查看聊天记录',
};

export const enMessages: Record<keyof typeof zhMessages, string> = {
  typingNow: 'Typing…', typingNamed: '{0} is typing…',
  convFiles: 'Files', noFiles: 'No files yet', moreFiles: 'Older files',
  urgent: 'Urgent', markUrgent: 'Mark as urgent', markUrgentHint: 'An urgent message can break through the recipient\'s quiet hours (at most 10 an hour)',
  copy: 'Copy', reply: 'Reply', forward: 'Forward', multiSelect: 'Select', recall: 'Recall', edit: 'Edit', edited: 'edited',
  recalledBy: '{0} recalled a message', youRecalled: 'You recalled a message', quoteRecalled: 'The quoted message was recalled', replyingTo: 'Replying to {0}',
  forwardEach: 'Forward one by one', forwardBundle: 'Forward as chat record', forwardTo: 'Forward to', nSelectedMsgs: '{0} selected', forwarded: 'Forwarded',
  chatRecord: 'Chat record', editMessage: 'Edit message', actionFailed: 'Failed: {0}', windowClosed: 'Too late for that now', messageActions: 'Message actions',
  cancelReply: 'Cancel reply', openRecord: 'Open chat record',
};
