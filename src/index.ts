// The plugin's commands and hooks are found by oclif through package.json; nothing is exported at run time.
export {}
