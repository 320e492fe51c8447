import type { ByteChannel } from '@mlc/tunnel';

/** Two in-memory ByteChannels wired to each other, for driving a session without sockets. */
export function channelPair(): [ByteChannel, ByteChannel] {
  const ends = [makeEnd('a'), makeEnd('b')] as const;
  ends[0].peer = ends[1];
  ends[1].peer = ends[0];
  return [ends[0].channel, ends[1].channel];
}

interface End {
  channel: ByteChannel;
  peer: End | undefined;
  deliver(message: Buffer): void;
  closeFromPeer(reason: string): void;
}

function makeEnd(name: string): End {
  const messageHandlers: Array<(m: Buffer) => void> = [];
  const closeHandlers: Array<(r: string) => void> = [];
  let closed = false;
  const end: End = {
    peer: undefined,
    deliver: (message) => queueMicrotask(() => !closed && messageHandlers.forEach((h) => h(message))),
    closeFromPeer: (reason) => {
      if (closed) return;
      closed = true;
      closeHandlers.forEach((h) => h(reason));
    },
    channel: {
      remoteAddress: `memory-${name}`,
      write: (message) => {
        if (closed) return false;
        end.peer?.deliver(message);
        return true;
      },
      drained: () => Promise.resolve(),
      onMessage: (handler) => messageHandlers.push(handler),
      onClose: (handler) => closeHandlers.push(handler),
      close: (reason) => {
        end.closeFromPeer(reason);
        queueMicrotask(() => end.peer?.closeFromPeer(`peer closed: ${reason}`));
      },
    },
  };
  return end;
}
