global using Nabla.Training;
global using Xunit;
