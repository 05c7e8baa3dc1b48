const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');
const { SWAGGER_PLUGIN_OPTIONS } = require('./swagger-plugin.cjs');

module.exports = {
  output: {
    path: join(__dirname, '../../dist/apps/api'),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && {
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    }),
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      assets: [],
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
      // Request bodies, queries and their doc comments become the OpenAPI schema (docs/openapi.json).
      transformers: [{ name: '@nestjs/swagger/plugin', options: SWAGGER_PLUGIN_OPTIONS }],
    }),
  ],
};
