// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelTest} from "../utils/KeelTest.sol";
import {DeployKeel} from "../../script/DeployKeel.s.sol";

interface FileVm {
    function setEnv(string calldata name, string calldata value) external;
    function readFile(string calldata path) external view returns (string memory);
    function parseJsonAddress(string calldata json, string calldata key) external pure returns (address);
    function parseJsonUint(string calldata json, string calldata key) external pure returns (uint256);
}

interface ITokenView {
    function name() external view returns (string memory);
    function paused() external view returns (bool);
}

interface ISystemRegistryView {
    function assetCount() external view returns (uint256);
    function component(bytes32 name) external view returns (address);
}

/// @notice Runs the deploy entry point in-process and checks the address book it writes.
contract DeployKeelTest is KeelTest {
    FileVm internal constant fvm = FileVm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function test_run_deploysSystemAndOneAssetPerKind() public {
        fvm.setEnv("KEEL_DEPLOYMENT_FILE", "deployments/forge-test.local.json");
        new DeployKeel().run();
        string memory json = fvm.readFile("deployments/forge-test.local.json");
        assertEq(fvm.parseJsonUint(json, ".chainId"), block.chainid);
        address registry = fvm.parseJsonAddress(json, ".system.systemRegistry");
        assertEq(ISystemRegistryView(registry).assetCount(), 5);
        assertEq(
            ISystemRegistryView(registry).component("accessManager"), fvm.parseJsonAddress(json, ".system.accessManager")
        );
        string[5] memory kinds = ["bond", "equity", "fund", "stablecoin", "deposit"];
        for (uint256 k = 0; k < 5; ++k) {
            address token = fvm.parseJsonAddress(json, string.concat(".assets.", kinds[k], ".token"));
            assertTrue(token.code.length > 0);
            assertTrue(ITokenView(token).paused());
            assertTrue(fvm.parseJsonAddress(json, string.concat(".assets.", kinds[k], ".onchainID")).code.length > 0);
        }
        assertEq(ITokenView(fvm.parseJsonAddress(json, ".assets.bond.token")).name(), "Keel Sample Bond");
    }
}
