import ConveyorCommandLine

// The built-in plugins only; a binary of your own lists its plugins here.
await ConveyorCommand.main(plugins: [])
