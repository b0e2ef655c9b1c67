package dev.loopmesh.app.shell;

/**
 * The answer to one request sent through the ingress from the toolbar.
 *
 * @param status 0 when no response came
 */
public record ProbeResult(String path, int status, long millis, String body, String error) {
    public boolean ok() {
        return status > 0 && status < 500;
    }
}
