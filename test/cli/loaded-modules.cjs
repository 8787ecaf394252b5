// Test preload (`node -r`): at exit, writes the path of every CommonJS module loaded to the file named by NETGAP_TEST_MODULES.

const { writeFileSync } = require('node:fs');

process.on('exit', () => writeFileSync(process.env.NETGAP_TEST_MODULES, Object.keys(require.cache).join('\n')));
