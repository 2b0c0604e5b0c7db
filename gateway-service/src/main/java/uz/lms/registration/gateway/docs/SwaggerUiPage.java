package uz.lms.registration.gateway.docs;

import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code GET /docs} answers 200 with the Swagger UI page itself, as FastAPI does, where springdoc would redirect.
 * It is Swagger UI's own {@code index.html}, with the assets springdoc serves under {@code /swagger-ui/}; their
 * {@code swagger-initializer.js} is springdoc's, pointed at {@code /openapi.json}.
 */
@Controller
class SwaggerUiPage {

    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);
    // Relative, so that the assets are found under a context path too.
    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
              <head>
                <meta charset="UTF-8">
                <title>%s - Swagger UI</title>
                <link rel="stylesheet" type="text/css" href="swagger-ui/swagger-ui.css" />
                <link rel="stylesheet" type="text/css" href="swagger-ui/index.css" />
                <link rel="icon" type="image/png" href="swagger-ui/favicon-32x32.png" sizes="32x32" />
                <link rel="icon" type="image/png" href="swagger-ui/favicon-16x16.png" sizes="16x16" />
              </head>
              <body>
                <div id="swagger-ui"></div>
                <script src="swagger-ui/swagger-ui-bundle.js" charset="UTF-8"></script>
                <script src="swagger-ui/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
                <script src="swagger-ui/swagger-initializer.js" charset="UTF-8"></script>
              </body>
            </html>
            """.formatted(ApiDocumentation.TITLE);

    /** HTML whatever the client accepts, as FastAPI's page: a content type set here is not negotiated. */
    @GetMapping("/docs")
    ResponseEntity<String> page() {
        return ResponseEntity.ok().contentType(HTML).body(PAGE);
    }
}
