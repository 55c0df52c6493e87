// Your own `conveyor`: every command (serve, worker, enqueue, …) with the sample plugin beside
// the built-ins, so `greet` and `word-count` run in the server, in `worker`s and on the dashboard.
//   swift run custom-handler-server serve
import ConveyorCommandLine
import SamplePlugin

await ConveyorCommand.main(plugins: [SamplePlugin()])
