// Self-test autoloaded routes: mounted at /api/items (autoload prefix + folder name).
module.exports = async function items(app) {
  app.get('/', async () => [...app.items.values()]);
  app.post('/', async (req) => req.body);
  app.get('/:id', async (req) => app.items.get(req.params.id));
};
