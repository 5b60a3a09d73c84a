"""drf-spectacular: describe the bearer-key authentication in the OpenAPI schema."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BankKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "thads.api.authentication.BankKeyAuthentication"
    name = "bankKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A bank API key: Authorization: Bearer <key>"}
