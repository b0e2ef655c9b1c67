package dev.loopmesh.app.editor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineDiffTest {

    @Test
    void keepsCommonLinesAndMarksRemovedAndAdded() {
        List<LineDiff.Line> d = LineDiff.diff("a\nb\nc\n", "a\nx\nc\nd\n");

        assertThat(d).extracting(LineDiff.Line::unified).containsExactly("  a", "- b", "+ x", "  c", "+ d");
        assertThat(LineDiff.changed(d)).isTrue();
    }

    @Test
    void equalTextsHaveNoChange() {
        assertThat(LineDiff.changed(LineDiff.diff("a\nb\n", "a\nb\n"))).isFalse();
    }

    @Test
    void fromNothingEveryLineIsAdded() {
        assertThat(LineDiff.diff("", "a\nb\n")).extracting(LineDiff.Line::kind).containsOnly(LineDiff.Kind.ADDED).hasSize(2);
    }
}
