using System.Net.Mime;
using System.Text;
using MassTransit;
using MassTransit.Serialization;

namespace PocDirectory.BuildingBlocks.Messaging;

/// <summary>
/// Every message body on the broker sealed with AES-256-GCM under a key the broker does not hold
/// (<c>Messaging:Key</c>, shared by the services: <c>.pocdir/secrets/messaging-key</c> locally, a
/// secret in a cluster). Whoever reads RabbitMQ — its queues, its error queues, its disk — reads
/// neither the one-time links e-mails carry nor anyone's contact details, and cannot forge a message
/// either: a body that does not open under the key is refused like a malformed one. The envelope is
/// MassTransit's own System.Text.Json one, sealed whole.
/// </summary>
public sealed class SealedJsonSerializer(byte[] key) : IMessageSerializer, IMessageDeserializer
{
    public const string SettingName = "Messaging:Key";

    public static readonly ContentType SealedContentType = new("application/vnd.pocdir.sealed+json");

    private const byte Version = 1;

    /// <summary>Bound into every seal: a body sealed for something else under the same key does not open here.</summary>
    private static readonly byte[] Purpose = "pocdir-message-v1"u8.ToArray();

    private readonly SystemTextJsonMessageSerializer _json = new();

    public ContentType ContentType => SealedContentType;

    public void Probe(ProbeContext context)
    {
        var scope = context.CreateScope("sealed-json");
        scope.Add("contentType", SealedContentType.MediaType);
        scope.Add("cipher", "AES-256-GCM");
    }

    public MessageBody GetMessageBody<T>(SendContext<T> context) where T : class =>
        new SealedBody(Seal(_json.GetMessageBody(context).GetBytes()));

    public MessageBody GetMessageBody(string text) => new SealedBody(Convert.FromBase64String(text));

    public ConsumeContext Deserialize(ReceiveContext receiveContext) =>
        new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null) =>
        _json.Deserialize(new SealedBody(Open(body.GetBytes())), headers, destinationAddress);

    /// <summary>A body sealed (<see cref="Sealing"/>) under this system's key, for a message.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext) => Sealing.Seal(key, Version, plaintext, Purpose);

    /// <summary>The plaintext of a sealed body; a body not sealed under this key is a serialization error.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedBytes) =>
        Sealing.Open(key, Version, sealedBytes, Purpose)
        ?? throw new System.Runtime.Serialization.SerializationException("The message is not sealed for this system, or not under its key.");

    /// <summary>The key from its setting: base64url of 32 bytes; a missing or short one stops the start, naming the setting.</summary>
    public static byte[] Key(string? value) => KeyMaterial.Decode(value, SettingName, ".pocdir/secrets/messaging-key");

    private sealed class SealedBody(byte[] bytes) : MessageBody
    {
        public long? Length => bytes.Length;

        public Stream GetStream() => new MemoryStream(bytes, writable: false);

        public byte[] GetBytes() => bytes;

        public string GetString() => Convert.ToBase64String(bytes);
    }
}

/// <summary>Serializes and deserializes every message of the bus sealed (<see cref="SealedJsonSerializer"/>).</summary>
public sealed class SealedJsonSerializerFactory(byte[] key) : ISerializerFactory
{
    private readonly SealedJsonSerializer _serializer = new(key);

    public ContentType ContentType => SealedJsonSerializer.SealedContentType;

    public IMessageSerializer CreateSerializer() => _serializer;

    public IMessageDeserializer CreateDeserializer() => _serializer;
}
