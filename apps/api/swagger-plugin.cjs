// The @nestjs/swagger compiler plugin, shared by the webpack build and ts-jest so the OpenAPI
// document a spec compares with docs/openapi.json is the one the built api serves.
const plugin = require('@nestjs/swagger/plugin');

const SWAGGER_PLUGIN_OPTIONS = {
  classValidatorShim: true,
  introspectComments: true,
  dtoFileNameSuffix: ['.dto.ts', '.query.ts'],
  controllerFileNameSuffix: ['.controller.ts'],
};

module.exports = {
  SWAGGER_PLUGIN_OPTIONS,
  // ts-jest astTransformer interface
  name: 'nestjs-swagger-plugin',
  version: 1,
  factory: (compiler) => plugin.before(SWAGGER_PLUGIN_OPTIONS, compiler.program),
};
