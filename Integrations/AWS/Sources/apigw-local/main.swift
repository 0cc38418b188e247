// Replaced by the emulator in a later commit of this branch.
import WebSocketPubSubNIO

fatalError("apigw-local is not built yet")
