// Self-test plugin: a fastify-plugin decorator (no routes, shares the root scope).
const fp = require('fastify-plugin');

module.exports = fp(async (app) => {
  app.decorate('items', new Map());
});
