// The API reference: Swagger UI over the description the server generates from its
// handler table. Everything is served from here; no validator or font is fetched
// from outside (validatorUrl: null).
window.ui = window.SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
});
