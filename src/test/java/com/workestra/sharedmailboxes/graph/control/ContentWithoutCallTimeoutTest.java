package com.workestra.sharedmailboxes.graph.control;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large attachment going to a slow reader: bytes keep coming, yet the whole body takes longer than the Graph client's
 * call timeout. The download completes; any other request keeps the call timeout. The "slow reader" is this test
 * reading one chunk at a time: the server sends the next chunk only when the test asks for it.
 */
class ContentWithoutCallTimeoutTest {

    static final int CHUNKS = 6;
    static final int CHUNK = 1_000;

    ServerSocket server;
    Thread serving;
    final CountDownLatch[] asked = new CountDownLatch[CHUNKS];

    /** One HTTP/1.1 answer per connection, its body written chunk by chunk as the reader asks (a plain socket: no buffering). */
    @BeforeEach
    void serve() throws IOException {
        for (int i = 0; i < CHUNKS; i++) {
            asked[i] = new CountDownLatch(i == 0 ? 0 : 1);
        }
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        serving = new Thread(() -> {
            try (Socket socket = server.accept()) {
                BufferedReader request = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String line;
                while ((line = request.readLine()) != null && !line.isEmpty()) {
                    // the request's headers: not needed
                }
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: " + CHUNKS * CHUNK
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < CHUNKS; i++) {
                    awaitQuietly(asked[i]);
                    out.write(new byte[CHUNK]);
                    out.flush();
                }
            } catch (IOException readerGone) {
                // the reader gave up (the call timeout): nothing to serve
            }
        });
        serving.start();
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        for (CountDownLatch latch : asked) {
            latch.countDown();
        }
        server.close();
        serving.join(10_000);
    }

    /** The Graph clients' shape: a call timeout of 1 s here (60 s in production), this interceptor last. */
    OkHttpClient client(boolean withInterceptor) {
        OkHttpClient bounded = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(1))
                .callTimeout(Duration.ofSeconds(1))
                .build();
        return withInterceptor ? bounded.newBuilder().addInterceptor(new ContentWithoutCallTimeout(bounded)).build() : bounded;
    }

    /**
     * Reads the body chunk by chunk (the first comes with the headers), the next asked for 400 ms after the last: 2 s in
     * all, each wait well under the read timeout.
     */
    long readSlowly(OkHttpClient client, String path) throws IOException {
        String url = "http://127.0.0.1:" + server.getLocalPort() + path;
        try (Response response = client.newCall(new Request.Builder().url(url).build()).execute();
             InputStream body = response.body().byteStream()) {
            long read = 0;
            for (int i = 0; i < CHUNKS; i++) {
                if (i > 0) {
                    sleepQuietly(400);
                    asked[i].countDown();
                }
                // Into a buffer of its size: readNBytes(int) would ask for 0 bytes more, which waits for the next chunk.
                read += body.readNBytes(new byte[CHUNK], 0, CHUNK);
            }
            return read;
        }
    }

    @Test
    void anAttachmentsContentStreamsForAsLongAsBytesKeepComing() throws IOException {
        assertEquals((long) CHUNKS * CHUNK, readSlowly(client(true), "/v1.0/users/support%40contoso.com/messages/AAMk/attachments/AAMkA/$value"));
    }

    @Test
    void withoutItTheCallTimeoutCutsTheSameDownloadOff_andOtherRequestsKeepIt() {
        assertThrows(IOException.class, () -> readSlowly(client(false), "/v1.0/me/messages/AAMk/attachments/AAMkA/$value"),
                "the call timeout spans the whole body");
        assertThrows(IOException.class, () -> readSlowly(client(true), "/v1.0/me/messages/AAMk/attachments/AAMkA"),
                "a request that is not a content download keeps the call timeout");
        assertTrue(ContentWithoutCallTimeout.isContent(new Request.Builder().url("https://graph.microsoft.com/v1.0/me/messages/A/$value").build()));
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
