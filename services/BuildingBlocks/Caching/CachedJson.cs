using System.ComponentModel;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace PocDirectory.BuildingBlocks.Caching;

/// <summary>
/// A response body serialized once, when it enters the cache, and written as stored bytes on every
/// read. Marked immutable so <c>HybridCache</c> hands out the same instance from memory instead of a
/// copy. The entity tag lets clients revalidate with <c>If-None-Match</c> and receive 304.
/// </summary>
[ImmutableObject(true)]
public sealed record CachedJson(byte[] Utf8, string ETag)
{
    public static CachedJson Serialize<T>(T value, JsonSerializerOptions options)
    {
        var utf8 = JsonSerializer.SerializeToUtf8Bytes(value, options);
        return new CachedJson(utf8, $"\"{Convert.ToBase64String(SHA256.HashData(utf8), 0, 16)}\"");
    }
}

/// <summary>Writes a <see cref="CachedJson"/> (200 application/json), or 304 when the client holds it already.</summary>
public sealed class CachedJsonResult<T>(CachedJson json) : IResult, IEndpointMetadataProvider
{
    public CachedJson Json => json;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.Headers.ETag = json.ETag;
        if (httpContext.Request.Headers.IfNoneMatch.ToString() == json.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = json.Utf8.Length;
        return response.Body.WriteAsync(json.Utf8, httpContext.RequestAborted).AsTask();
    }

    /// <summary>Documents the answer as T in JSON, as <c>Ok&lt;T&gt;</c> would.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
