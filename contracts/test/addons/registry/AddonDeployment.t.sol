// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelTest} from "../../utils/KeelTest.sol";
import {DeployKeel} from "../../../script/DeployKeel.s.sol";
import {AddonRegistry} from "../../../src/system/AddonRegistry.sol";
import {AddonFactories} from "../../../src/addons/AddonFactories.sol";
import {XvPSettlement} from "../../../src/addons/xvp/XvPSettlement.sol";
import {XvPSettlementFactory} from "../../../src/addons/xvp/XvPSettlementFactory.sol";
import {KeelVault} from "../../../src/addons/vault/KeelVault.sol";
import {KeelVaultFactory} from "../../../src/addons/vault/KeelVaultFactory.sol";

interface AddonFileVm {
    function setEnv(string calldata name, string calldata value) external;
    function readFile(string calldata path) external view returns (string memory);
    function parseJsonAddress(string calldata json, string calldata key) external pure returns (address);
}

/// @notice The deploy entry point deploys one factory per addon and registers it by name
/// in the system's addon registry; the address book lists them.
contract AddonDeploymentTest is KeelTest {
    AddonFileVm internal constant fvm = AddonFileVm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function test_deployEntryPoint_registersAddonFactories() public {
        fvm.setEnv("KEEL_DEPLOYMENT_FILE", "deployments/forge-addons.local.json");
        new DeployKeel().run();
        string memory json = fvm.readFile("deployments/forge-addons.local.json");
        AddonRegistry registry = AddonRegistry(fvm.parseJsonAddress(json, ".system.addonRegistry"));
        string[5] memory keys = ["airdropFactory", "daioFactory", "treasuryFactory", "xvpFactory", "vaultFactory"];
        bytes32[5] memory names = AddonFactories.names();
        for (uint256 k; k < 5; ++k) {
            address f = fvm.parseJsonAddress(json, string.concat(".addons.", keys[k]));
            assertTrue(f.code.length > 0);
            assertEq(registry.addon(names[k]), f);
        }
        assertEq(registry.addonNames().length, 5);

        // the registered factories work
        XvPSettlementFactory xvp = XvPSettlementFactory(registry.addon(AddonFactories.XVP));
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](1);
        legs[0] = XvPSettlement.Leg(address(0xCAFE), address(0xA), address(0xB), 1, 0);
        XvPSettlement s = xvp.create(legs, block.timestamp + 1, false, 0);
        assertTrue(xvp.isSettlement(address(s)));
        address[] memory signers = new address[](1);
        signers[0] = address(0xA);
        KeelVault v = KeelVaultFactory(registry.addon(AddonFactories.VAULT)).create(signers, 1, address(0));
        assertEq(v.threshold(), 1);
    }
}
