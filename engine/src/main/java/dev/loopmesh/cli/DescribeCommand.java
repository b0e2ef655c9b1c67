package dev.loopmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code loopmesh describe --proxy POD}: a proxy's effective config, like {@code istioctl proxy-config}. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a proxy's effective listeners, routes, clusters and endpoints in a running mesh.")
public class DescribeCommand implements Callable<Integer> {
    @Option(names = "--proxy", required = true, paramLabel = "POD", description = "A pod (reviews-v2-0) or istio-ingressgateway.")
    String proxy;

    @Option(names = "--admin-port", defaultValue = "15000", description = "The running mesh's admin port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Override
    public Integer call() {
        HttpResponse<String> r = new AdminClient(adminPort).get("/api/config_dump?proxy=" + URLEncoder.encode(proxy, StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            System.err.print("error: " + r.body());
            return LoopmeshCli.BAD_INPUT;
        }
        System.out.print(r.body());
        return LoopmeshCli.OK;
    }
}
