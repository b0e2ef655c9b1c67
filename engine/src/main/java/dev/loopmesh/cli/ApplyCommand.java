package dev.loopmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code loopmesh apply -f FILE}: pushes resources to a running mesh, like {@code kubectl apply}. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Apply mesh resources (Istio, Gateway API, Linkerd YAML) to a running mesh.")
public class ApplyCommand implements Callable<Integer> {
    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE", description = "YAML with one or more resources.")
    Path file;

    @Option(names = "--admin-port", defaultValue = "15000", description = "The running mesh's admin port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    String endpoint() {
        return "/api/apply";
    }

    @Override
    public Integer call() throws IOException {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        HttpResponse<String> r = new AdminClient(adminPort).postYaml(endpoint(), yaml);
        System.out.print(r.body());
        return r.statusCode() == 200 ? LoopmeshCli.OK : r.statusCode() == 422 ? LoopmeshCli.FINDINGS : LoopmeshCli.BAD_INPUT;
    }

    /** {@code loopmesh delete -f FILE}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete mesh resources from a running mesh.")
    public static class Delete extends ApplyCommand {
        @Override
        String endpoint() {
            return "/api/delete";
        }
    }
}
