package dev.loopmesh.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class BodyPartsTest {
    private static ByteBuf part(String s) {
        return ByteBufAllocator.DEFAULT.buffer().writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aBodyInOnePartIsThatBufferRetained() {
        ByteBuf part = part("hello");
        ByteBuf body = BodyParts.append(null, part, ByteBufAllocator.DEFAULT, 64);
        part.release();
        assertThat(body).isSameAs(part);
        assertThat(body.refCnt()).isEqualTo(1);
        body.release();
    }

    @Test
    void aSecondPartMakesACompositeOfBothWithoutCopying() {
        ByteBuf a = part("hel");
        ByteBuf b = part("lo");
        ByteBuf body = BodyParts.append(null, a, ByteBufAllocator.DEFAULT, 64);
        body = BodyParts.append(body, b, ByteBufAllocator.DEFAULT, 64);
        a.release();
        b.release();
        assertThat(body).isInstanceOf(CompositeByteBuf.class);
        assertThat(((CompositeByteBuf) body).numComponents()).isEqualTo(2);
        assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(BodyParts.size(body)).isEqualTo(5);
        body.release();
        assertThat(a.refCnt()).isZero();
        assertThat(b.refCnt()).isZero();
    }

    @Test
    void emptyPartsAddNothingAndNoBodyIsAnEmptyBuffer() {
        ByteBuf body = BodyParts.append(null, Unpooled.EMPTY_BUFFER, ByteBufAllocator.DEFAULT, 64);
        assertThat(body).isNull();
        assertThat(BodyParts.size(body)).isZero();
        assertThat(BodyParts.orEmpty(body).readableBytes()).isZero();
    }

    @Test
    void aFirstPartThatIsACompositeIsWrappedSoItsSenderSeesNoChange() {
        CompositeByteBuf theirs = ByteBufAllocator.DEFAULT.compositeBuffer();
        theirs.addComponent(true, part("ab"));
        ByteBuf body = BodyParts.append(null, theirs, ByteBufAllocator.DEFAULT, 64);
        ByteBuf c = part("c");
        body = BodyParts.append(body, c, ByteBufAllocator.DEFAULT, 64);
        c.release();
        assertThat(theirs.numComponents()).isEqualTo(1);
        assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        theirs.release();
        body.release();
    }
}
