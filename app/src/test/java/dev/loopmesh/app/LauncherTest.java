package dev.loopmesh.app;

import dev.loopmesh.cli.DesktopOpener;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LauncherTest {

    @Test
    void filesAndScreenshotOptionsAreParsed() {
        Launcher.Parsed p = Launcher.parse(new String[] {"a.yaml", "--screenshot", "out.png", "--after", "2.5s", "b.yaml",
            "--ingress-port", "0", "--no-traffic"});

        assertThat(p.files()).containsExactly(Path.of("a.yaml"), Path.of("b.yaml"));
        assertThat(p.options().screenshot()).isEqualTo(Path.of("out.png"));
        assertThat(p.options().afterMillis()).isEqualTo(2500);
        assertThat(p.options().ingressPort()).isZero();
        assertThat(p.options().traffic()).isFalse();
    }

    @Test
    void withNoArgumentsTheWindowStaysOpenOnBookinfo() {
        Launcher.Parsed p = Launcher.parse(new String[0]);

        assertThat(p.files()).isEmpty();
        assertThat(p.options().screenshot()).isNull();
        assertThat(p.options().ingressPort()).isEqualTo(8080);
    }

    @Test
    void durationsTakeTheirUnit() {
        assertThat(Launcher.parseMillis("8s")).isEqualTo(8000);
        assertThat(Launcher.parseMillis("500ms")).isEqualTo(500);
        assertThat(Launcher.parseMillis("1m")).isEqualTo(60_000);
        assertThat(Launcher.parseMillis("3")).isEqualTo(3000);
    }

    @Test
    void badInputSaysWhatWasExpected() {
        assertThatThrownBy(() -> Launcher.parse(new String[] {"--after", "soon"})).hasMessage("--after: soon (expected: a duration like 8s or 500ms)");
        assertThatThrownBy(() -> Launcher.parse(new String[] {"--bogus"})).hasMessageStartingWith("unknown option --bogus");
        assertThatThrownBy(() -> Launcher.parse(new String[] {"--screenshot"})).hasMessage("--screenshot: missing value");
    }

    @Test
    void theCliFindsTheDesktopThroughServiceLoader() {
        assertThat(ServiceLoader.load(DesktopOpener.class).stream().map(ServiceLoader.Provider::type))
                .containsExactly(DesktopApp.class);
    }
}
