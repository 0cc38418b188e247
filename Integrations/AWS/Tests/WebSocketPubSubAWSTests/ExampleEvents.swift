/// WebSocket proxy events in the shape AWS documents for Lambda proxy integrations ("Working with
/// WebSocket APIs: $connect, $disconnect and message events"): every field AWS sends, with example
/// values of our own.
enum ExampleEvents {
    static let connect = """
        {
          "headers": {
            "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Protocol": "websocket",
            "Sec-WebSocket-Version": "13",
            "X-Amzn-Trace-Id": "Root=1-65f1a2b3-0123456789abcdef01234567",
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https"
          },
          "multiValueHeaders": {
            "Host": ["abcdef1234.execute-api.us-east-1.amazonaws.com"],
            "Sec-WebSocket-Extensions": ["permessage-deflate; client_max_window_bits"],
            "Sec-WebSocket-Key": ["dGhlIHNhbXBsZSBub25jZQ=="],
            "Sec-WebSocket-Protocol": ["websocket"],
            "Sec-WebSocket-Version": ["13"],
            "X-Amzn-Trace-Id": ["Root=1-65f1a2b3-0123456789abcdef01234567"],
            "X-Forwarded-For": ["203.0.113.7"],
            "X-Forwarded-Port": ["443"],
            "X-Forwarded-Proto": ["https"]
          },
          "queryStringParameters": {"token": "abc"},
          "multiValueQueryStringParameters": {"token": ["abc"]},
          "requestContext": {
            "routeKey": "$connect",
            "eventType": "CONNECT",
            "extendedRequestId": "Q2x4bEVYQU1QTEU=",
            "requestTime": "13/Mar/2024:10:15:30 +0000",
            "messageDirection": "IN",
            "stage": "production",
            "connectedAt": 1710324930123,
            "requestTimeEpoch": 1710324930150,
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "Postman"},
            "requestId": "Q2x4bEVYQU1QTEU=",
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "connectionId": "L0SM9cOFvHcCIhw=",
            "apiId": "abcdef1234"
          },
          "isBase64Encoded": false
        }
        """

    static func message(_ body: String, base64: Bool = false) -> String {
        """
        {
          "requestContext": {
            "routeKey": "subscribe",
            "messageId": "L0SM9dGkvHcCIhw=",
            "eventType": "MESSAGE",
            "extendedRequestId": "Q2x4bUVYQU1QTEU=",
            "requestTime": "13/Mar/2024:10:15:31 +0000",
            "messageDirection": "IN",
            "stage": "production",
            "connectedAt": 1710324930123,
            "requestTimeEpoch": 1710324931002,
            "identity": {"sourceIp": "203.0.113.7"},
            "requestId": "Q2x4bUVYQU1QTEU=",
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "connectionId": "L0SM9cOFvHcCIhw=",
            "apiId": "abcdef1234"
          },
          "body": \(body),
          "isBase64Encoded": \(base64)
        }
        """
    }

    static let disconnect = """
        {
          "headers": {
            "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "x-api-key": "",
            "X-Forwarded-For": "",
            "x-restapi": ""
          },
          "multiValueHeaders": {
            "Host": ["abcdef1234.execute-api.us-east-1.amazonaws.com"],
            "x-api-key": [""],
            "X-Forwarded-For": [""],
            "x-restapi": [""]
          },
          "requestContext": {
            "routeKey": "$disconnect",
            "disconnectStatusCode": 1001,
            "eventType": "DISCONNECT",
            "extendedRequestId": "Q2x4cEVYQU1QTEU=",
            "requestTime": "13/Mar/2024:10:25:31 +0000",
            "messageDirection": "IN",
            "disconnectReason": "Going away",
            "stage": "production",
            "connectedAt": 1710324930123,
            "requestTimeEpoch": 1710325531400,
            "identity": {"sourceIp": "203.0.113.7"},
            "requestId": "Q2x4cEVYQU1QTEU=",
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "connectionId": "L0SM9cOFvHcCIhw=",
            "apiId": "abcdef1234"
          },
          "isBase64Encoded": false
        }
        """
}
