package dev.jresnet.weights.pretrained;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive use of one cache entry, among the threads of this JVM and among processes: an OS lock on a NAME.lock
 * file beside it (which the OS releases if its holder dies, so a killed download never leaves the entry locked),
 * plus a lock per file within the JVM, where the OS lock cannot be taken twice. Whoever comes second waits, and is
 * told once that it does.
 */
final class CacheLock implements AutoCloseable {
    private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private CacheLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    static CacheLock acquire(Path lockFile, Runnable whenWaiting) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_THIS_JVM.computeIfAbsent(key, k -> new ReentrantLock());
        boolean told = false;
        if (!threadLock.tryLock()) {
            whenWaiting.run();
            told = true;
            try {
                threadLock.lockInterruptibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + key);
            }
        }
        try {
            FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock fileLock = channel.tryLock();
                if (fileLock == null) {
                    if (!told) {
                        whenWaiting.run();
                    }
                    fileLock = channel.lock();
                }
                return new CacheLock(threadLock, channel, fileLock);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            threadLock.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fileLock.release();
            channel.close();
        } finally {
            threadLock.unlock();
        }
    }
}
