// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelSystemBootstrap} from "../src/system/KeelSystemBootstrap.sol";
import {KeelAccessManager} from "../src/system/access/KeelAccessManager.sol";
import {SystemRegistry} from "../src/system/SystemRegistry.sol";
import {FactoryRegistry} from "../src/system/FactoryRegistry.sol";
import {AddonRegistry} from "../src/system/AddonRegistry.sol";
import {AddonFactories} from "../src/addons/AddonFactories.sol";
import {AssetFactory} from "../src/system/factories/AssetFactory.sol";
import {
    BondFactory,
    EquityFactory,
    FundFactory,
    StablecoinFactory,
    DepositFactory
} from "../src/system/factories/AssetFactories.sol";
import {IdentityRegistryStorage} from "../src/identity/IdentityRegistryStorage.sol";
import {TrustedIssuersRegistry} from "../src/identity/TrustedIssuersRegistry.sol";
import {ClaimTopicsRegistry} from "../src/identity/ClaimTopicsRegistry.sol";
import {IdentityRegistry} from "../src/identity/IdentityRegistry.sol";
import {IdentityFactory} from "../src/identity/IdentityFactory.sol";
import {KeelIdentity} from "../src/identity/KeelIdentity.sol";
import {KeelClaimIssuer} from "../src/identity/KeelClaimIssuer.sol";
import {GlobalCompliance} from "../src/compliance/GlobalCompliance.sol";
import {ModularCompliance} from "../src/compliance/ModularCompliance.sol";
import {KeelToken} from "../src/token/KeelToken.sol";
import {KeelBondToken} from "../src/token/KeelBondToken.sol";
import {KeelEquityToken} from "../src/token/KeelEquityToken.sol";
import {KeelFundToken} from "../src/token/KeelFundToken.sol";
import {KeelStablecoinToken} from "../src/token/KeelStablecoinToken.sol";
import {AddressAllowListModule} from "../src/compliance/modules/AddressAllowListModule.sol";
import {AddressBlockListModule} from "../src/compliance/modules/AddressBlockListModule.sol";
import {CountryAllowListModule} from "../src/compliance/modules/CountryAllowListModule.sol";
import {CountryBlockListModule} from "../src/compliance/modules/CountryBlockListModule.sol";
import {IdentityClaimExpressionModule} from "../src/compliance/modules/IdentityClaimExpressionModule.sol";
import {MaxBalanceModule} from "../src/compliance/modules/MaxBalanceModule.sol";
import {MaxInvestorCountModule} from "../src/compliance/modules/MaxInvestorCountModule.sol";
import {SupplyLimitModule} from "../src/compliance/modules/SupplyLimitModule.sol";
import {TimeLockModule} from "../src/compliance/modules/TimeLockModule.sol";
import {TransferApprovalModule} from "../src/compliance/modules/TransferApprovalModule.sol";
import {TransferVolumeLimitModule} from "../src/compliance/modules/TransferVolumeLimitModule.sol";

/// @dev The cheatcodes this script uses (forge-std 1.1.2 on npm is incomplete).
interface ScriptVm {
    function envOr(string calldata name, uint256 defaultValue) external view returns (uint256);
    function envOr(string calldata name, string calldata defaultValue) external view returns (string memory);
    function envOr(string calldata name, address defaultValue) external view returns (address);
    function addr(uint256 privateKey) external pure returns (address);
    function startBroadcast(uint256 privateKey) external;
    function stopBroadcast() external;
    function serializeAddress(string calldata objectKey, string calldata valueKey, address value)
        external
        returns (string memory);
    function serializeUint(string calldata objectKey, string calldata valueKey, uint256 value)
        external
        returns (string memory);
    function serializeString(string calldata objectKey, string calldata valueKey, string calldata value)
        external
        returns (string memory);
    function writeFile(string calldata path, string calldata data) external;
}

/// @title DeployKeel — deploys a full Keel system plus one sample asset per kind and the
/// addon factories (registered in the addon registry), and writes every address to a
/// JSON file.
/// @notice
///   cd contracts && DEPLOYER_PRIVATE_KEY=0x... node tools/forge.cjs script \
///     script/DeployKeel.s.sol:DeployKeel --rpc-url $RPC_URL --broadcast --slow
/// Environment: DEPLOYER_PRIVATE_KEY (default: anvil's first dev key), KEEL_ADMIN (system
/// and sample-asset admin, default: the deployer), KEEL_GLOBAL_ISSUERS (an existing
/// global trusted issuers registry, default: deploy one), KEEL_DEPLOYMENT_FILE (default
/// deployments/keel.local.json, relative to contracts/).
contract DeployKeel {
    ScriptVm private constant vm = ScriptVm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 private constant ANVIL_KEY_0 = 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;
    uint256 private constant KYC_TOPIC = 1;
    bool public IS_SCRIPT = true;

    function run() external {
        uint256 pk = vm.envOr("DEPLOYER_PRIVATE_KEY", ANVIL_KEY_0);
        address deployer = vm.addr(pk);
        address admin = vm.envOr("KEEL_ADMIN", deployer);
        address globalIssuers = vm.envOr("KEEL_GLOBAL_ISSUERS", address(0));
        string memory out = vm.envOr("KEEL_DEPLOYMENT_FILE", string("deployments/keel.local.json"));

        vm.startBroadcast(pk);
        KeelSystemBootstrap.Implementations memory impl = _implementations();
        KeelSystemBootstrap bootstrapper = new KeelSystemBootstrap();
        KeelSystemBootstrap.System memory s = bootstrapper.bootstrap(impl, admin, globalIssuers);
        AssetFactory.Asset[5] memory assets;
        AddonFactories.Set memory addons;
        if (admin == deployer) {
            assets = _sampleAssets(s, admin);
            addons = _addons(s);
        }
        vm.stopBroadcast();

        string memory json = vm.serializeUint("keel", "chainId", block.chainid);
        json = vm.serializeAddress("keel", "admin", admin);
        json = vm.serializeAddress("keel", "bootstrap", address(bootstrapper));
        json = vm.serializeString("keel", "system", _systemJson(s));
        json = vm.serializeString("keel", "implementations", _implementationsJson(impl));
        json = vm.serializeString("keel", "complianceModules", _modulesJson(impl.complianceModules));
        if (admin == deployer) {
            json = vm.serializeString("keel", "assets", _assetsJson(s, assets));
            json = vm.serializeString("keel", "addons", _addonsJson(addons));
        }
        vm.writeFile(out, json);
    }

    function _implementations() private returns (KeelSystemBootstrap.Implementations memory i) {
        i.accessManager = address(new KeelAccessManager());
        i.systemRegistry = address(new SystemRegistry());
        i.factoryRegistry = address(new FactoryRegistry());
        i.addonRegistry = address(new AddonRegistry());
        i.identityStorage = address(new IdentityRegistryStorage());
        i.trustedIssuersRegistry = address(new TrustedIssuersRegistry());
        i.claimTopicsRegistry = address(new ClaimTopicsRegistry());
        i.identityRegistry = address(new IdentityRegistry());
        i.identityFactory = address(new IdentityFactory());
        i.identity = address(new KeelIdentity(true));
        i.claimIssuer = address(new KeelClaimIssuer(true));
        i.globalCompliance = address(new GlobalCompliance(true));
        i.compliance = address(new ModularCompliance(true));
        i.tokens[0] = address(new KeelBondToken(true));
        i.tokens[1] = address(new KeelEquityToken(true));
        i.tokens[2] = address(new KeelFundToken(true));
        i.tokens[3] = address(new KeelStablecoinToken(true));
        i.tokens[4] = address(new KeelToken(true));
        i.complianceModules = new address[](11);
        i.complianceModules[0] = address(new CountryAllowListModule());
        i.complianceModules[1] = address(new CountryBlockListModule());
        i.complianceModules[2] = address(new AddressAllowListModule());
        i.complianceModules[3] = address(new AddressBlockListModule());
        i.complianceModules[4] = address(new MaxBalanceModule());
        i.complianceModules[5] = address(new MaxInvestorCountModule());
        i.complianceModules[6] = address(new SupplyLimitModule());
        i.complianceModules[7] = address(new TimeLockModule());
        i.complianceModules[8] = address(new TransferVolumeLimitModule());
        i.complianceModules[9] = address(new TransferApprovalModule());
        i.complianceModules[10] = address(new IdentityClaimExpressionModule());
        i.factories[0] = address(new BondFactory());
        i.factories[1] = address(new EquityFactory());
        i.factories[2] = address(new FundFactory());
        i.factories[3] = address(new StablecoinFactory());
        i.factories[4] = address(new DepositFactory());
    }

    function _sampleAssets(KeelSystemBootstrap.System memory s, address admin)
        private
        returns (AssetFactory.Asset[5] memory a)
    {
        uint256[] memory topics = new uint256[](1);
        topics[0] = KYC_TOPIC;
        // The sample bond is denominated in the sample stablecoin (created first).
        bytes[5] memory terms = [
            bytes(""),
            abi.encode("A", "common"),
            abi.encode(uint16(150), "institutional"),
            abi.encode("USD", uint256(1001)),
            abi.encode("EUR", "Keel Sample Bank")
        ];
        string[5] memory names = ["Keel Sample Bond", "Keel Sample Equity", "Keel Sample Fund", "Keel Sample Dollar", "Keel Sample Deposit"];
        string[5] memory symbols = ["KSBND", "KSEQ", "KSFND", "KSUSD", "KSDEP"];
        uint8[5] memory order = [3, 0, 1, 2, 4];
        for (uint256 o = 0; o < 5; ++o) {
            uint256 k = order[o];
            if (k == 0) terms[0] = abi.encode(uint256(1000e18), uint64(block.timestamp + 365 days), a[3].token);
            a[k] = AssetFactory(s.factories[k]).createAsset(
                AssetFactory.AssetRequest({
                    name: names[k],
                    symbol: symbols[k],
                    decimals: k == 1 ? 0 : 18,
                    isin: "",
                    admin: admin,
                    requiredClaimTopics: topics,
                    terms: terms[k],
                    modules: new AssetFactory.ComplianceModule[](0),
                    cap: 0,
                    historicalBalances: false,
                    voting: k == 1,
                    roleGrants: new AssetFactory.RoleGrant[](0),
                    unpause: false
                })
            );
        }
    }

    /// @dev One factory per addon, registered by name in the system's addon registry
    /// (the deployer is the admin here, so it holds ADDON_MANAGER_ROLE).
    function _addons(KeelSystemBootstrap.System memory s) private returns (AddonFactories.Set memory f) {
        f = AddonFactories.deploy();
        bytes32[5] memory names = AddonFactories.names();
        address[5] memory factories = AddonFactories.asArray(f);
        for (uint256 k = 0; k < 5; ++k) {
            AddonRegistry(s.addonRegistry).setAddon(names[k], factories[k]);
        }
    }

    function _addonsJson(AddonFactories.Set memory f) private returns (string memory j) {
        string memory o = "addons";
        vm.serializeAddress(o, "airdropFactory", f.airdrop);
        vm.serializeAddress(o, "daioFactory", f.daio);
        vm.serializeAddress(o, "treasuryFactory", f.treasury);
        vm.serializeAddress(o, "xvpFactory", f.xvp);
        j = vm.serializeAddress(o, "vaultFactory", f.vault);
    }

    function _systemJson(KeelSystemBootstrap.System memory s) private returns (string memory j) {
        string memory o = "system";
        vm.serializeAddress(o, "accessManager", s.accessManager);
        vm.serializeAddress(o, "systemRegistry", s.systemRegistry);
        vm.serializeAddress(o, "factoryRegistry", s.factoryRegistry);
        vm.serializeAddress(o, "addonRegistry", s.addonRegistry);
        vm.serializeAddress(o, "identityRegistryStorage", s.identityStorage);
        vm.serializeAddress(o, "globalTrustedIssuersRegistry", s.globalIssuersRegistry);
        vm.serializeAddress(o, "systemTrustedIssuersRegistry", s.systemIssuersRegistry);
        vm.serializeAddress(o, "identityFactory", s.identityFactory);
        vm.serializeAddress(o, "identityBeacon", s.identityBeacon);
        vm.serializeAddress(o, "claimIssuerBeacon", s.claimIssuerBeacon);
        vm.serializeAddress(o, "globalCompliance", s.globalCompliance);
        vm.serializeAddress(o, "bondFactory", s.factories[0]);
        vm.serializeAddress(o, "equityFactory", s.factories[1]);
        vm.serializeAddress(o, "fundFactory", s.factories[2]);
        vm.serializeAddress(o, "stablecoinFactory", s.factories[3]);
        j = vm.serializeAddress(o, "depositFactory", s.factories[4]);
    }

    function _implementationsJson(KeelSystemBootstrap.Implementations memory i) private returns (string memory j) {
        string memory o = "implementations";
        vm.serializeAddress(o, "KeelAccessManager", i.accessManager);
        vm.serializeAddress(o, "SystemRegistry", i.systemRegistry);
        vm.serializeAddress(o, "FactoryRegistry", i.factoryRegistry);
        vm.serializeAddress(o, "AddonRegistry", i.addonRegistry);
        vm.serializeAddress(o, "IdentityRegistryStorage", i.identityStorage);
        vm.serializeAddress(o, "TrustedIssuersRegistry", i.trustedIssuersRegistry);
        vm.serializeAddress(o, "ClaimTopicsRegistry", i.claimTopicsRegistry);
        vm.serializeAddress(o, "IdentityRegistry", i.identityRegistry);
        vm.serializeAddress(o, "IdentityFactory", i.identityFactory);
        vm.serializeAddress(o, "KeelIdentity", i.identity);
        vm.serializeAddress(o, "KeelClaimIssuer", i.claimIssuer);
        vm.serializeAddress(o, "GlobalCompliance", i.globalCompliance);
        vm.serializeAddress(o, "ModularCompliance", i.compliance);
        vm.serializeAddress(o, "KeelBondToken", i.tokens[0]);
        vm.serializeAddress(o, "KeelEquityToken", i.tokens[1]);
        vm.serializeAddress(o, "KeelFundToken", i.tokens[2]);
        vm.serializeAddress(o, "KeelStablecoinToken", i.tokens[3]);
        vm.serializeAddress(o, "KeelToken", i.tokens[4]);
        vm.serializeAddress(o, "BondFactory", i.factories[0]);
        vm.serializeAddress(o, "EquityFactory", i.factories[1]);
        vm.serializeAddress(o, "FundFactory", i.factories[2]);
        vm.serializeAddress(o, "StablecoinFactory", i.factories[3]);
        j = vm.serializeAddress(o, "DepositFactory", i.factories[4]);
    }

    /// @dev Module instances by contract name, in the bootstrap's registration order.
    function _modulesJson(address[] memory m) private returns (string memory j) {
        string[11] memory names = [
            "CountryAllowListModule",
            "CountryBlockListModule",
            "AddressAllowListModule",
            "AddressBlockListModule",
            "MaxBalanceModule",
            "MaxInvestorCountModule",
            "SupplyLimitModule",
            "TimeLockModule",
            "TransferVolumeLimitModule",
            "TransferApprovalModule",
            "IdentityClaimExpressionModule"
        ];
        for (uint256 k = 0; k < 11; ++k) {
            j = vm.serializeAddress("complianceModules", names[k], m[k]);
        }
    }

    function _assetsJson(KeelSystemBootstrap.System memory s, AssetFactory.Asset[5] memory a)
        private
        returns (string memory j)
    {
        string[5] memory kinds = ["bond", "equity", "fund", "stablecoin", "deposit"];
        for (uint256 k = 0; k < 5; ++k) {
            string memory o = kinds[k];
            vm.serializeAddress(o, "factory", s.factories[k]);
            vm.serializeAddress(o, "token", a[k].token);
            vm.serializeAddress(o, "compliance", a[k].compliance);
            vm.serializeAddress(o, "identityRegistry", a[k].identityRegistry);
            vm.serializeAddress(o, "claimTopicsRegistry", a[k].topicsRegistry);
            vm.serializeAddress(o, "trustedIssuersRegistry", a[k].issuersRegistry);
            string memory assetJson = vm.serializeAddress(o, "onchainID", a[k].onchainID);
            j = vm.serializeString("assets", kinds[k], assetJson);
        }
    }
}
